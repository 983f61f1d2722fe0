/**
 * Property tests run from a fixed seed, so CI is repeatable: a counterexample found once becomes a
 * table test. `FC_SEED=<n>` explores other inputs locally (fast-check prints the seed it failed on).
 */
import fc from 'fast-check';

const seed = Number(process.env['FC_SEED'] ?? 20_261_130);
fc.configureGlobal({ seed: Number.isFinite(seed) ? seed : 20_261_130 });
