// The console's shell: loading and live reloading of the state, the admin token prompt, navigation by the URL
// fragment, the outcome of the last action, and the theme.
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { StateView } from '../../src/admin/views.ts';
import { AdminError, api, type StreamStatus, savedToken, saveToken, watch } from './api.ts';
import { ConnectionDetail, ConnectionList } from './connections.tsx';
import { type ConsoleContext, Ctx } from './context.ts';
import { FaultsView } from './faults.tsx';
import { type Filters, NO_FILTERS } from './filters.tsx';
import { AccountList, VpcList } from './resources.tsx';
import { ClockBadge, TimeView } from './time.tsx';
import { TopologyView } from './topology.tsx';
import { Field } from './ui.tsx';
import { VpcDetail } from './vpc-detail.tsx';

type Route =
  | { view: 'connections' }
  | { view: 'connection'; id: string }
  | { view: 'vpcs' }
  | { view: 'vpc'; id: string }
  | { view: 'topology' }
  | { view: 'accounts' }
  | { view: 'time' }
  | { view: 'faults' };

const SECTIONS = [
  { view: 'connections', label: 'Connections' },
  { view: 'vpcs', label: 'VPCs' },
  { view: 'topology', label: 'Topology' },
  { view: 'accounts', label: 'Accounts' },
  { view: 'time', label: 'Time & transitions' },
  { view: 'faults', label: 'Faults' },
] as const;

function parseRoute(hash: string): Route {
  const [, view, id] = /^#\/([a-z]+)(?:\/(.+))?$/.exec(hash) ?? [];
  if (view === 'connections' && id) return { view: 'connection', id: decodeURIComponent(id) };
  if (view === 'vpcs' && id) return { view: 'vpc', id: decodeURIComponent(id) };
  if (view === 'vpcs' || view === 'topology' || view === 'accounts' || view === 'time' || view === 'faults') {
    return { view };
  }
  return { view: 'connections' };
}

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onHash = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return route;
}

type Notice =
  | { kind: 'ok'; text: string }
  | { kind: 'error'; label: string; code: string; message: string; requestId?: string };

type Theme = 'auto' | 'light' | 'dark';
const THEME_KEY = 'peerconn-console-theme';

function useTheme(): [Theme, () => void] {
  const [theme, setTheme] = useState<Theme>(
    () => (localStorage.getItem(THEME_KEY) as Theme | null) ?? 'auto',
  );
  useEffect(() => {
    if (theme === 'auto') document.documentElement.removeAttribute('data-theme');
    else document.documentElement.setAttribute('data-theme', theme);
    localStorage.setItem(THEME_KEY, theme);
  }, [theme]);
  const next = () => setTheme(theme === 'auto' ? 'light' : theme === 'light' ? 'dark' : 'auto');
  return [theme, next];
}

/** Runs `load` now, or once more right after the run in progress: never two at once, never a backlog. */
function coalesced(load: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let again = false;
  const run = async (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await load();
        } while (again);
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
  return run;
}

function TokenPrompt({ refused, onToken }: { refused: boolean; onToken: (token: string) => void }) {
  const [token, setToken] = useState('');
  return (
    <main id="main" class="login">
      <form
        class="card"
        aria-labelledby="token-title"
        onSubmit={(e) => {
          e.preventDefault();
          onToken(token.trim());
        }}
      >
        <h2 id="token-title">Admin token required</h2>
        <p>
          This server guards its admin API with a token (<code>--admin-token</code>, or the one it printed at
          start when listening beyond loopback). The console uses it for every call, as{' '}
          <code>Authorization: Bearer</code>, and keeps it in this tab only.
        </p>
        {refused ? (
          <p class="error" role="alert">
            AccessDenied: that token was refused.
          </p>
        ) : null}
        <Field label="Admin token">
          <input
            type="password"
            autoComplete="current-password"
            required
            value={token}
            onInput={(e) => setToken(e.currentTarget.value)}
          />
        </Field>
        <div class="buttons">
          <button type="submit">Open the console</button>
        </div>
      </form>
    </main>
  );
}

export function App() {
  const route = useRoute();
  const [theme, nextTheme] = useTheme();
  const [state, setState] = useState<StateView>();
  const [receivedAt, setReceivedAt] = useState(0);
  const [failure, setFailure] = useState<AdminError>();
  const [tokenNeeded, setTokenNeeded] = useState<'no' | 'ask' | 'refused'>('no');
  const [stream, setStream] = useState<StreamStatus>('connecting');
  const [notice, setNotice] = useState<Notice>();
  const [timelineVersion, setTimelineVersion] = useState(0);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [generation, setGeneration] = useState(0);
  const mainRef = useRef<HTMLElement>(null);

  const refresh = useMemo(
    () =>
      coalesced(async () => {
        try {
          const next = await api.state();
          setState(next);
          setReceivedAt(performance.now());
          setFailure(undefined);
        } catch (error) {
          if (!(error instanceof AdminError)) throw error;
          if (error.needsToken) setTokenNeeded(savedToken() ? 'refused' : 'ask');
          else setFailure(error);
        }
      }),
    [],
  );

  // Load once, then follow the change stream; `generation` restarts both after a new token.
  useEffect(() => {
    if (tokenNeeded !== 'no') return;
    void refresh();
    const stop = watch(
      (message) => {
        if (message.changes.some((c) => c === 'events' || c === 'all')) setTimelineVersion((v) => v + 1);
        void refresh();
      },
      (status) => {
        setStream(status);
        if (status === 'denied') setTokenNeeded(savedToken() ? 'refused' : 'ask');
      },
    );
    return stop;
  }, [generation, tokenNeeded, refresh]);

  const perform = useCallback<ConsoleContext['perform']>(
    async (label, action, success) => {
      try {
        const result = await action();
        setNotice({ kind: 'ok', text: success ? success(result) : `Done: ${label}` });
        return true;
      } catch (error) {
        if (error instanceof AdminError) {
          setNotice({
            kind: 'error',
            label,
            code: error.code,
            message: error.message,
            ...(error.requestId ? { requestId: error.requestId } : {}),
          });
          if (error.needsToken) setTokenNeeded('refused');
          return false;
        }
        throw error;
      } finally {
        setTimelineVersion((v) => v + 1);
        await refresh();
      }
    },
    [refresh],
  );

  // A new view starts at its top and takes the focus, as a page load would, so keyboard users land in it.
  const routeKey = 'id' in route ? `${route.view}/${route.id}` : route.view;
  const firstRoute = useRef(true);
  useEffect(() => {
    if (firstRoute.current) {
      firstRoute.current = false;
      return;
    }
    mainRef.current?.focus();
  }, [routeKey]);

  const names = useMemo(() => new Map((state?.accounts ?? []).map((a) => [a.id, a.name])), [state?.accounts]);

  if (tokenNeeded !== 'no') {
    return (
      <>
        <Header theme={theme} onTheme={nextTheme} stream="denied" />
        <TokenPrompt
          refused={tokenNeeded === 'refused'}
          onToken={(token) => {
            saveToken(token);
            setTokenNeeded('no');
            setGeneration((g) => g + 1);
          }}
        />
      </>
    );
  }

  if (!state) {
    return (
      <>
        <Header theme={theme} onTheme={nextTheme} stream={stream} />
        <main id="main" class="loading">
          {failure ? (
            <p class="error" role="alert">
              {failure.code}: {failure.message}
            </p>
          ) : (
            <p>Loading…</p>
          )}
        </main>
      </>
    );
  }

  const ctx: ConsoleContext = { state, receivedAt, names, perform, timelineVersion };
  const current = route.view === 'connection' ? 'connections' : route.view === 'vpc' ? 'vpcs' : route.view;
  return (
    <Ctx.Provider value={ctx}>
      <Header theme={theme} onTheme={nextTheme} stream={stream} clock={<ClockBadge />} />
      <nav class="sections" aria-label="Sections">
        <ul>
          {SECTIONS.map((s) => (
            <li key={s.view}>
              <a href={`#/${s.view}`} aria-current={current === s.view ? 'page' : undefined}>
                {s.label}
                {s.view === 'connections' ? <span class="count">{state.peerConns.length}</span> : null}
                {s.view === 'time' && state.pending.length > 0 ? (
                  <span class="count">{state.pending.length}</span>
                ) : null}
                {s.view === 'faults' && state.faults.length > 0 ? (
                  <span class="count warn">{state.faults.length}</span>
                ) : null}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" ref={mainRef} tabIndex={-1}>
        <div class="notices">
          {failure ? (
            <p class="error" role="alert">
              Could not reload: {failure.code}: {failure.message}
            </p>
          ) : null}
          {notice?.kind === 'error' ? (
            <div class="notice error" role="alert">
              <strong>{notice.code}</strong>: {notice.message}
              <div class="muted">
                {notice.label}
                {notice.requestId ? (
                  <>
                    {' '}
                    · request <code>{notice.requestId}</code>
                  </>
                ) : null}
              </div>
              <button type="button" class="small" onClick={() => setNotice(undefined)}>
                Dismiss
              </button>
            </div>
          ) : null}
          <div class="notice ok" role="status" aria-live="polite">
            {notice?.kind === 'ok' ? (
              <>
                {notice.text}{' '}
                <button type="button" class="small" onClick={() => setNotice(undefined)}>
                  Dismiss
                </button>
              </>
            ) : null}
          </div>
        </div>
        {route.view === 'connections' ? <ConnectionList filters={filters} onFilters={setFilters} /> : null}
        {route.view === 'connection' ? <ConnectionDetail key={route.id} peerConnId={route.id} /> : null}
        {route.view === 'vpcs' ? <VpcList filters={filters} onFilters={setFilters} /> : null}
        {route.view === 'vpc' ? <VpcDetail key={route.id} vpcId={route.id} /> : null}
        {route.view === 'topology' ? <TopologyView /> : null}
        {route.view === 'accounts' ? <AccountList filters={filters} /> : null}
        {route.view === 'time' ? <TimeView /> : null}
        {route.view === 'faults' ? <FaultsView /> : null}
      </main>
    </Ctx.Provider>
  );
}

const STREAM_LABELS: Record<StreamStatus, string> = {
  connecting: 'connecting…',
  live: 'live',
  offline: 'reconnecting…',
  denied: 'locked',
};

function Header({
  theme,
  onTheme,
  stream,
  clock,
}: {
  theme: Theme;
  onTheme: () => void;
  stream: StreamStatus;
  clock?: preact.ComponentChildren;
}) {
  return (
    <header class="top">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <h1>
        peerconn <span class="muted">console</span>
      </h1>
      <div class="top-right">
        {clock}
        <span
          class={`stream stream-${stream}`}
          role="status"
          aria-label={`Live updates: ${STREAM_LABELS[stream]}`}
        >
          {STREAM_LABELS[stream]}
        </span>
        <button type="button" class="small" onClick={onTheme} aria-label={`Theme: ${theme}; switch`}>
          Theme: {theme}
        </button>
      </div>
    </header>
  );
}
