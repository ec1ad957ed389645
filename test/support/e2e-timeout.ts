// End-to-end tests wait for a real broker and database; their limit is generous, and each
// wait inside a test is a condition with its own deadline, never a fixed sleep.
jest.setTimeout(120_000);
