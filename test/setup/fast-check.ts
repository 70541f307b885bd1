// Every fast-check property in `npm test` draws from one fixed seed, so CI never fails at random;
// `npm run fuzz` passes its own seed (and prints it) through HPCW_FC_SEED.
import fc from 'fast-check';
import { runs } from '../helpers/prop.js';

const seed = Number(process.env.HPCW_FC_SEED ?? 20261201);
fc.configureGlobal({ seed: Number.isSafeInteger(seed) ? seed : 20261201, ...runs(100) });
