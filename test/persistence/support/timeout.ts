// A query against the real database is quick, but a shared machine may be busy; one test
// that creates its own database (the store-wide outbox) migrates it first.
jest.setTimeout(30_000);
