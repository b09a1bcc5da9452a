-- Notify's action: a task that asks a person to open a link and mark it done (no form).
CREATE TYPE "HumanTaskKind" AS ENUM ('form', 'action');

ALTER TABLE "HumanTask" ADD COLUMN "kind" "HumanTaskKind" NOT NULL DEFAULT 'form',
ADD COLUMN "actionUrl" TEXT;
