// The ledger's integration thread: reads placed events and writes their canonical records,
// leaf hashes and the tree's nodes (LedgerIntegrator), on a database connection of its own.
// See LedgerIntegrationThread.
import { LedgerIntegrator } from '@app/ledger';
import { DatabaseService, LedgerRepository } from '@app/persistence';
import { serveRequests } from '@app/threads';
import { workerData } from 'node:worker_threads';
import type { IntegrationWorkerData } from './ledger-integration.thread';

const { url, applicationName } = workerData as IntegrationWorkerData;
const database = new DatabaseService({ url, poolSize: 1, applicationName });
const integrator = new LedgerIntegrator(database, new LedgerRepository(database));

serveRequests((limit: number) => integrator.integrate(limit));
