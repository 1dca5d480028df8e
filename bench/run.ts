// `npm run bench`: each benchmark measures its own baseline in the same run and prints the ratio.
import { benchCliStartup } from './cli-startup.bench.ts';
import { report } from './measure.ts';
import { benchServer } from './server.bench.ts';
import { benchSigner } from './signer.bench.ts';

const benches = [benchSigner, benchServer, benchCliStartup];
for (const bench of benches) report(await bench());
