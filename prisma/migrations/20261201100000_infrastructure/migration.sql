-- CreateEnum
CREATE TYPE "InfraState" AS ENUM ('running', 'stopped');

-- CreateTable
CREATE TABLE "InfraInstance" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "nodeId" TEXT NOT NULL,
    "nodeType" TEXT NOT NULL,
    "instanceId" TEXT NOT NULL,
    "state" "InfraState" NOT NULL DEFAULT 'running',
    "schemaName" TEXT NOT NULL,
    "startedAt" TIMESTAMPTZ(3),
    "stoppedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "InfraInstance_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "InfraInstance_schemaName_key" ON "InfraInstance"("schemaName");

-- CreateIndex
CREATE UNIQUE INDEX "InfraInstance_projectId_nodeId_key" ON "InfraInstance"("projectId", "nodeId");

-- AddForeignKey
ALTER TABLE "InfraInstance" ADD CONSTRAINT "InfraInstance_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;
