// Worker threads do not inherit tsx's loader from a `--import` flag reliably on Node 20:
// register it here, then load the TypeScript thread.
import { register } from 'tsx/esm/api';

register();
await import('./sandbox-thread.ts');
