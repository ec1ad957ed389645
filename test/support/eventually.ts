/** Retries an assertion until it passes or `timeoutMs` elapses; never a fixed sleep. */
export { eventually as expectEventually } from '../../tools/infra/wait';
