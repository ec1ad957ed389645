import { InvestigationModule } from '@app/investigation';
import { TriageModule } from '@app/triage';
import { Module } from '@nestjs/common';
import { AnomaliesResolver } from './anomalies.resolver';
import { AnomalyFeedService } from './anomaly-feed.service';
import { AnomalyTopicConsumer } from './anomaly-topic.consumer';
import { AnomalyTriageResolver } from './anomaly-triage.resolver';

/**
 * Anomalies: the visible list, the live feed (its subscription and the topic behind it), and
 * analysts' triage with each anomaly's history.
 */
@Module({
  imports: [InvestigationModule, TriageModule],
  providers: [AnomaliesResolver, AnomalyTriageResolver, AnomalyFeedService, AnomalyTopicConsumer],
})
export class AnomaliesModule {}
