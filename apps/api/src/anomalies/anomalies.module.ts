import { InvestigationModule } from '@app/investigation';
import { Module } from '@nestjs/common';
import { AnomaliesResolver } from './anomalies.resolver';
import { AnomalyFeedService } from './anomaly-feed.service';
import { AnomalyTopicConsumer } from './anomaly-topic.consumer';

/** Anomalies: the visible list, and the live feed (its subscription and the topic behind it). */
@Module({
  imports: [InvestigationModule],
  providers: [AnomaliesResolver, AnomalyFeedService, AnomalyTopicConsumer],
})
export class AnomaliesModule {}
