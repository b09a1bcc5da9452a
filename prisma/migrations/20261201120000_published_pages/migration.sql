-- AlterEnum
ALTER TYPE "TriggerKind" ADD VALUE 'Page';

-- CreateEnum
CREATE TYPE "PublishedPageState" AS ENUM ('live', 'paused');

-- AlterTable
ALTER TABLE "Execution" ADD COLUMN "configOverrides" JSONB,
ADD COLUMN "pageId" UUID;

-- CreateTable
CREATE TABLE "PublishedPage" (
    "id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "projectId" UUID NOT NULL,
    "versionId" UUID,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "code" TEXT NOT NULL,
    "layout" TEXT NOT NULL DEFAULT '',
    "loomCode" TEXT NOT NULL,
    "allowlist" JSONB NOT NULL,
    "state" "PublishedPageState" NOT NULL DEFAULT 'live',
    "runsPerMinute" INTEGER NOT NULL,
    "views" INTEGER NOT NULL DEFAULT 0,
    "publishedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "PublishedPage_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "PublishedPage_slug_key" ON "PublishedPage"("slug");

-- CreateIndex
CREATE INDEX "PublishedPage_projectId_idx" ON "PublishedPage"("projectId");

-- CreateIndex
CREATE INDEX "Execution_pageId_startedAt_id_idx" ON "Execution"("pageId", "startedAt" DESC, "id" DESC);

-- AddForeignKey
ALTER TABLE "Execution" ADD CONSTRAINT "Execution_pageId_fkey" FOREIGN KEY ("pageId") REFERENCES "PublishedPage"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PublishedPage" ADD CONSTRAINT "PublishedPage_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PublishedPage" ADD CONSTRAINT "PublishedPage_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "Version"("id") ON DELETE SET NULL ON UPDATE CASCADE;
