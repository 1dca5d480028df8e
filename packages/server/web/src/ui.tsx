// Small building blocks shared by the views.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/** A status word with a colour class; the word itself carries the meaning, the colour only helps. */
export function Badge({ value, kind = 'status' }: { value: string; kind?: string }) {
  return <span class={`badge ${kind}-${value.replace(/[^a-z_]/gi, '')}`}>{value}</span>;
}

async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  // Plain http on a LAN address is not a secure context: no Clipboard API there.
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  document.execCommand('copy');
  area.remove();
}

/** A button that copies `text`, says so for a moment, and names what it copies for screen readers. */
export function CopyButton({ text, what }: { text: string; what: string }) {
  const [done, setDone] = useState<'copied' | 'failed' | undefined>();
  useEffect(() => {
    if (!done) return;
    const timer = setTimeout(() => setDone(undefined), 1500);
    return () => clearTimeout(timer);
  }, [done]);
  return (
    <button
      type="button"
      class="small"
      aria-label={`Copy ${what}`}
      onClick={() =>
        copyText(text).then(
          () => setDone('copied'),
          () => setDone('failed'),
        )
      }
    >
      {done === 'copied' ? 'Copied' : done === 'failed' ? 'Copy failed' : 'Copy'}
    </button>
  );
}

/** A secret shown as dots until revealed; copyable either way. */
export function Secret({ value, what }: { value: string; what: string }) {
  const [shown, setShown] = useState(false);
  return (
    <span class="secret">
      <code>{shown ? value : '••••••••••••'}</code>
      {shown ? null : <span class="sr-only">{what} is hidden</span>}
      <button type="button" class="small" aria-pressed={shown} onClick={() => setShown(!shown)}>
        {shown ? 'Hide' : 'Reveal'}
        <span class="sr-only"> {what}</span>
      </button>
      <CopyButton text={value} what={what} />
    </span>
  );
}

export function IdWithCopy({ id, what }: { id: string; what: string }) {
  return (
    <span class="id">
      <code>{id}</code>
      <CopyButton text={id} what={what} />
    </span>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="empty">{children}</p>;
}

/** A labelled field: the label wraps the control, so every input has a name. */
export function Field({
  label,
  children,
  hint,
}: {
  label: string;
  children: ComponentChildren;
  hint?: string;
}) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control arrives as children, inside the label, which names it.
    <label class="field">
      <span class="label">
        {label}
        {hint ? <span class="hint"> ({hint})</span> : null}
      </span>
      {children}
    </label>
  );
}

/** A destructive button that asks once more, in place (no modal dialog to trap the keyboard). */
export function ConfirmButton({
  label,
  confirmLabel,
  onConfirm,
}: {
  label: string;
  confirmLabel: string;
  onConfirm: () => void;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" class="danger" onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <span class="confirm">
      <button
        type="button"
        class="danger"
        // The question replaces the button under the user's focus; it takes the focus with it.
        ref={(el) => el?.focus()}
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}

/**
 * Rows rendered at most per list: a load test can leave thousands of resources, and redrawing them all on every
 * live update would make the page sluggish. The filters narrow the rest down.
 */
export const ROW_LIMIT = 300;

export function Truncated({ shown, total }: { shown: number; total: number }) {
  if (shown >= total) return null;
  return (
    <p class="muted">
      Showing the first {shown} of {total}; use the filters to find the others.
    </p>
  );
}
