/** The theme in effect, provided once by <App> (tests provide their own). */
import { createContext, useContext } from 'react';
import { createTheme, type Theme } from '../view-model/theme.js';

export const ThemeContext = createContext<Theme>(createTheme());

/** The theme of the nearest provider. */
export function useTheme(): Theme {
  return useContext(ThemeContext);
}
