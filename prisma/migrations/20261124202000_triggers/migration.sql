-- CreateEnum
CREATE TYPE "TriggerState" AS ENUM ('inactive', 'active', 'error');

-- AlterTable
ALTER TABLE "Execution" ADD COLUMN "triggerId" UUID,
ADD COLUMN "idempotencyKey" TEXT;

-- CreateTable
CREATE TABLE "Trigger" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "nodeId" TEXT NOT NULL,
    "kind" "TriggerKind" NOT NULL,
    "state" "TriggerState" NOT NULL DEFAULT 'inactive',
    "error" TEXT,
    "timezone" TEXT,
    "config" JSONB NOT NULL DEFAULT '{}',
    "outputs" JSONB NOT NULL DEFAULT '[]',
    "versionId" UUID,
    "activatedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Trigger_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Execution_triggerId_idempotencyKey_key" ON "Execution"("triggerId", "idempotencyKey");

-- CreateIndex
CREATE INDEX "Execution_triggerId_startedAt_id_idx" ON "Execution"("triggerId", "startedAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Trigger_state_kind_idx" ON "Trigger"("state", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "Trigger_projectId_nodeId_key" ON "Trigger"("projectId", "nodeId");

-- AddForeignKey
ALTER TABLE "Execution" ADD CONSTRAINT "Execution_triggerId_fkey" FOREIGN KEY ("triggerId") REFERENCES "Trigger"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Trigger" ADD CONSTRAINT "Trigger_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Trigger" ADD CONSTRAINT "Trigger_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "Version"("id") ON DELETE SET NULL ON UPDATE CASCADE;
