import { fileURLToPath } from 'node:url';

/** The built-in theme shipped with Gazette (a module of its own: the compile worker needs only this). */
export const BUILTIN_TEMPLATES = fileURLToPath(new URL('../../templates/', import.meta.url));
