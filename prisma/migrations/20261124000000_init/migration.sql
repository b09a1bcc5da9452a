-- CreateEnum
CREATE TYPE "ExecutionStatus" AS ENUM ('pending', 'running', 'waiting_for_input', 'paused', 'completed', 'failed', 'cancelled');

-- CreateEnum
CREATE TYPE "NodeRunStatus" AS ENUM ('pending', 'running', 'completed', 'failed', 'skipped', 'waiting_for_input', 'cancelled');

-- CreateEnum
CREATE TYPE "VersionKind" AS ENUM ('auto', 'manual');

-- CreateEnum
CREATE TYPE "TriggerKind" AS ENUM ('Manual', 'Rerun', 'Cron', 'ApiPost', 'HumanTrigger');

-- CreateTable
CREATE TABLE "Project" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "code" TEXT NOT NULL DEFAULT '',
    "layout" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Project_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Version" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "kind" "VersionKind" NOT NULL,
    "label" TEXT,
    "code" TEXT NOT NULL,
    "layout" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Version_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Execution" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "versionId" UUID,
    "trigger" "TriggerKind" NOT NULL DEFAULT 'Manual',
    "triggeredBy" TEXT,
    "triggerPayload" JSONB,
    "status" "ExecutionStatus" NOT NULL DEFAULT 'pending',
    "error" TEXT,
    "costUsd" DECIMAL(20,10) NOT NULL DEFAULT 0,
    "startedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMPTZ(3),
    "lastSeq" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "Execution_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NodeRun" (
    "id" UUID NOT NULL,
    "executionId" UUID NOT NULL,
    "nodeId" TEXT NOT NULL,
    "nodeType" TEXT NOT NULL,
    "lane" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "laneKey" TEXT NOT NULL DEFAULT '',
    "status" "NodeRunStatus" NOT NULL DEFAULT 'pending',
    "inputs" JSONB,
    "output" JSONB,
    "error" TEXT,
    "costUsd" DECIMAL(20,10) NOT NULL DEFAULT 0,
    "startedAt" TIMESTAMPTZ(3),
    "completedAt" TIMESTAMPTZ(3),
    "seq" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "NodeRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExecutionEvent" (
    "id" BIGSERIAL NOT NULL,
    "executionId" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ExecutionEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Project_createdAt_id_idx" ON "Project"("createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Version_projectId_createdAt_id_idx" ON "Version"("projectId", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Execution_startedAt_id_idx" ON "Execution"("startedAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Execution_projectId_startedAt_id_idx" ON "Execution"("projectId", "startedAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Execution_status_startedAt_id_idx" ON "Execution"("status", "startedAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "NodeRun_executionId_seq_idx" ON "NodeRun"("executionId", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "NodeRun_executionId_nodeId_laneKey_key" ON "NodeRun"("executionId", "nodeId", "laneKey");

-- CreateIndex
CREATE UNIQUE INDEX "ExecutionEvent_executionId_seq_key" ON "ExecutionEvent"("executionId", "seq");

-- AddForeignKey
ALTER TABLE "Version" ADD CONSTRAINT "Version_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Execution" ADD CONSTRAINT "Execution_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Execution" ADD CONSTRAINT "Execution_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "Version"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NodeRun" ADD CONSTRAINT "NodeRun_executionId_fkey" FOREIGN KEY ("executionId") REFERENCES "Execution"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExecutionEvent" ADD CONSTRAINT "ExecutionEvent_executionId_fkey" FOREIGN KEY ("executionId") REFERENCES "Execution"("id") ON DELETE CASCADE ON UPDATE CASCADE;
