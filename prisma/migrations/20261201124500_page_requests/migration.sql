-- AlterTable
ALTER TABLE "PublishedPage" ADD COLUMN "showLatestTriggerRun" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "PageRequest" (
    "id" BIGSERIAL NOT NULL,
    "pageId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PageRequest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PageRequest_pageId_at_idx" ON "PageRequest"("pageId", "at");

-- AddForeignKey
ALTER TABLE "PageRequest" ADD CONSTRAINT "PageRequest_pageId_fkey" FOREIGN KEY ("pageId") REFERENCES "PublishedPage"("id") ON DELETE CASCADE ON UPDATE CASCADE;
