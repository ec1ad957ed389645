import { isActive } from '@app/anomalies';
import type { StoredSuppression } from '@app/persistence';
import type { Suppression } from './models/suppression.model';

export const toSuppression = (stored: StoredSuppression, now = new Date()): Suppression => ({
  ...stored,
  active: isActive(stored, now),
});
