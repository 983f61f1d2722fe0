// Worker threads do not inherit tsx's loader reliably on Node 20: register it here, then load
// the TypeScript thread (as bench/sandbox-thread-boot.js does).
import { register } from 'tsx/esm/api';

register();
await import('./thread.ts');
