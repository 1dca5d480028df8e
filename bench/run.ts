// `npm run bench`: each benchmark measures its own baseline in the same run and prints the ratio.
import { report } from './measure.ts';
import { benchSigner } from './signer.bench.ts';

const benches = [benchSigner];
for (const bench of benches) report(await bench());
