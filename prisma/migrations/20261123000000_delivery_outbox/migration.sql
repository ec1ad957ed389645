-- Anomalies and dead letters are delivered through a transactional outbox: recorded in the
-- batch's transaction, published after commit until the broker acknowledges them.

-- AlterTable
ALTER TABLE "anomalies" ADD COLUMN "feed_seq" BIGINT;

-- Anomalies stored before the outbox existed take their place in the feed in id order.
UPDATE "anomalies" SET "feed_seq" = "id";

-- CreateTable
CREATE TABLE "anomaly_outbox" (
    "anomaly_id" BIGINT NOT NULL,
    "enqueued_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "anomaly_outbox_pkey" PRIMARY KEY ("anomaly_id")
);

-- CreateTable
CREATE TABLE "dead_letters" (
    "id" BIGSERIAL NOT NULL,
    "topic" TEXT NOT NULL,
    "partition" INTEGER NOT NULL,
    "offset" BIGINT NOT NULL,
    "code" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "key" BYTEA,
    "value" BYTEA,
    "headers" JSONB,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),

    CONSTRAINT "dead_letters_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "anomalies_feed_seq_key" ON "anomalies"("feed_seq");

-- CreateIndex
CREATE INDEX "dead_letters_published_at_id_idx" ON "dead_letters"("published_at", "id");

-- CreateIndex
CREATE UNIQUE INDEX "dead_letters_topic_partition_offset_key" ON "dead_letters"("topic", "partition", "offset");
