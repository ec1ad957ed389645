import type { PrincipalView } from '@app/graph';
import type { Principal } from './models/principal.model';

export const toPrincipal = (view: PrincipalView): Principal => ({
  id: view.id,
  issuer: view.issuer,
  tenant: view.tenant,
  reportedBy: view.reportedBy,
  kind: view.kind,
  displayName: view.displayName,
});
