// What @peerconn/cli offers a program: run the command line in-process, and its version.
export { main } from './main.ts';
export { CLI_VERSION, versionLine } from './version.ts';
