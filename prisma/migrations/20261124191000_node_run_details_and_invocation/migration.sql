-- AlterTable
ALTER TABLE "Execution" ADD COLUMN "invocationId" TEXT;

-- AlterTable
ALTER TABLE "NodeRun" ADD COLUMN "details" JSONB;
