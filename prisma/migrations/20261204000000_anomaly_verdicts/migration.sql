-- Verdicts that later facts can clear, and analysts' triage. Rules re-evaluate a request
-- whenever its facts change; a stored anomaly they no longer find is withdrawn (kept, with
-- the reason), one they find again is reopened: the open set is a function of the facts,
-- whatever their order. Every change is kept in `anomaly_changes`.

-- CreateEnum
CREATE TYPE "anomaly_verdict" AS ENUM ('OPEN', 'WITHDRAWN');

-- CreateEnum
CREATE TYPE "anomaly_triage" AS ENUM ('NEW', 'ACKNOWLEDGED', 'RESOLVED', 'FALSE_POSITIVE');

-- AlterTable
ALTER TABLE "anomalies" ADD COLUMN     "changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "triage" "anomaly_triage" NOT NULL DEFAULT 'NEW',
ADD COLUMN     "verdict" "anomaly_verdict" NOT NULL DEFAULT 'OPEN',
ADD COLUMN     "verdict_reason" TEXT,
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;

-- CreateTable
CREATE TABLE "anomaly_changes" (
    "anomaly_id" BIGINT NOT NULL,
    "version" INTEGER NOT NULL,
    "change" TEXT NOT NULL,
    "actor" TEXT,
    "reason" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "anomaly_changes_pkey" PRIMARY KEY ("anomaly_id","version")
);

-- AddForeignKey
ALTER TABLE "anomaly_changes" ADD CONSTRAINT "anomaly_changes_anomaly_id_fkey" FOREIGN KEY ("anomaly_id") REFERENCES "anomalies"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Anomalies stored before verdicts existed: open, unchanged since detection.
UPDATE "anomalies" SET "changed_at" = "detected_at";
INSERT INTO "anomaly_changes" ("anomaly_id", "version", "change", "at")
SELECT "id", 1, 'DETECTED', "detected_at" FROM "anomalies";
