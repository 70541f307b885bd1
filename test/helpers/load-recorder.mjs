// `node --import ./load-recorder.mjs …`: writes every module file the program loads to $HPCW_LOAD_LOG.
import { register } from 'node:module';

if (process.env.HPCW_LOAD_LOG)
  register('./load-hooks.mjs', import.meta.url, { data: { out: process.env.HPCW_LOAD_LOG } });
