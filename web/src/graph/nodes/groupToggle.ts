import { createContext } from 'react';

/** Opens or closes a group's frame (saved in the layout as `expanded`). */
export const GroupToggleContext = createContext<(groupId: string, expanded: boolean) => void>(() => undefined);
