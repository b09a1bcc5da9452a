-- AlterTable
ALTER TABLE "StoredFile" ADD COLUMN "laneKey" TEXT;

-- CreateIndex
CREATE INDEX "StoredFile_executionId_nodeId_idx" ON "StoredFile"("executionId", "nodeId");
