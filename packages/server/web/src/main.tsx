// Entry point of the console bundle (scripts/build-console.mjs).
import { render } from 'preact';
import { App } from './app.tsx';

const root = document.getElementById('app');
if (root) render(<App />, root);
