-- The last live-feed position ever given. Each change of an anomaly leaves the feed and takes
-- the next position when published; computed from max(feed_seq) alone, the next position of
-- the anomaly that held the last one was that same position again, and a subscriber or an
-- export resuming after it missed the change. Positions now never repeat.

-- CreateTable
CREATE TABLE "anomaly_feed_head" (
    "id" BOOLEAN NOT NULL DEFAULT true,
    "seq" BIGINT NOT NULL,

    CONSTRAINT "anomaly_feed_head_pkey" PRIMARY KEY ("id")
);

INSERT INTO "anomaly_feed_head" ("id", "seq") SELECT true, coalesce(max("feed_seq"), 0) FROM "anomalies";
