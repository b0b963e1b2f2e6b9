// Line icons for the navigation, drawn on a 24×24 grid (stroke, no fill; see .icon in app.css).

export const ICONS = {
  today: ['M3 10.5 12 3l9 7.5', 'M5 9.5V21h14V9.5', 'M10 21v-6h4v6'],
  log: ['M6 3h9l4 4v14H6z', 'M14 3v5h5', 'M9 12h7', 'M9 16h7'],
  contacts: ['M9 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6z', 'M3 20c0-3.3 2.7-6 6-6s6 2.7 6 6', 'M16 5.5a3 3 0 0 1 0 5.5', 'M18 14.5c1.8.8 3 2.6 3 4.5'],
  report: ['M5 3h14v18H5z', 'M9 7h6', 'M9 11h6', 'M9 15h4'],
  me: ['M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8z', 'M4 21c0-4.4 3.6-8 8-8s8 3.6 8 8'],
  overview: ['M4 20V10', 'M10 20V4', 'M16 20v-7', 'M22 20H2'],
  towns: ['M3 21V9l6-4 6 4v12', 'M15 21V12l6-2v11', 'M7 13h4', 'M7 17h4', 'M2 21h20'],
  communities: ['M12 21s-7-6.1-7-11a7 7 0 0 1 14 0c0 4.9-7 11-7 11z', 'M12 12.5a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5z'],
  accounts: ['M15 7a4 4 0 1 1-3.9 5H3v4h3v-2h3', 'M15 7h.01'],
  settings: ['M4 6h10', 'M18 6h2', 'M4 12h4', 'M12 12h8', 'M4 18h12', 'M20 18h0', 'M16 4v4', 'M10 10v4', 'M18 16v4'],
  calendar: ['M4 5h16v16H4z', 'M4 10h16', 'M8 3v4', 'M16 3v4', 'M8 14h3', 'M13 14h3', 'M8 17h3'],
  audit: ['M9 5h11', 'M9 12h11', 'M9 19h11', 'M4 5h.01', 'M4 12h.01', 'M4 19h.01'],
};
