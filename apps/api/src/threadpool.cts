import { availableParallelism } from 'node:os';

/**
 * Preloaded by `node --require`: as CommonJS it runs before the ESM loader's first asynchronous
 * file read starts libuv's threadpool, whose size is fixed from then on. The api's threadpool work
 * is password hashing, bound by the CPU: threads beyond the cores hash no faster, and glibc keeps
 * each thread's argon2 working memory (19 MiB) in that thread's own arena once the hash is done.
 * At least two, so that a DNS lookup is not queued behind one hash. An operator's setting wins.
 */
process.env.UV_THREADPOOL_SIZE ??= String(Math.max(2, availableParallelism()));
