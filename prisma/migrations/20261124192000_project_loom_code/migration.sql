-- AlterTable
ALTER TABLE "Project" ADD COLUMN "loomCode" TEXT;
