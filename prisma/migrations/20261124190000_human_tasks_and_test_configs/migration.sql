-- CreateEnum
CREATE TYPE "HumanTaskState" AS ENUM ('open', 'answered', 'skipped', 'cancelled');

-- AlterTable
ALTER TABLE "Execution" ADD COLUMN "testConfigId" UUID;

-- CreateTable
CREATE TABLE "HumanTask" (
    "id" UUID NOT NULL,
    "executionId" UUID NOT NULL,
    "nodeId" TEXT NOT NULL,
    "lane" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "laneKey" TEXT NOT NULL DEFAULT '',
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "form" JSONB NOT NULL,
    "state" "HumanTaskState" NOT NULL DEFAULT 'open',
    "answer" JSONB,
    "answeredBy" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "answeredAt" TIMESTAMPTZ(3),

    CONSTRAINT "HumanTask_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TestConfig" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "mocks" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "TestConfig_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "HumanTask_state_createdAt_id_idx" ON "HumanTask"("state", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "HumanTask_executionId_nodeId_laneKey_key" ON "HumanTask"("executionId", "nodeId", "laneKey");

-- CreateIndex
CREATE UNIQUE INDEX "TestConfig_projectId_name_key" ON "TestConfig"("projectId", "name");

-- AddForeignKey
ALTER TABLE "Execution" ADD CONSTRAINT "Execution_testConfigId_fkey" FOREIGN KEY ("testConfigId") REFERENCES "TestConfig"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HumanTask" ADD CONSTRAINT "HumanTask_executionId_fkey" FOREIGN KEY ("executionId") REFERENCES "Execution"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TestConfig" ADD CONSTRAINT "TestConfig_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;
