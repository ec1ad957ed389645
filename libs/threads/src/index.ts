// Threads: work that would hold up a process's event loop (formatting an export), done in a
// worker thread that answers requests.
export * from './request-thread';
export * from './serve-requests';
