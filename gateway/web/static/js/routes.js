// The console's pages: one entry per page. Adding a page = a module in pages/, its catalogue
// keys, and an entry here (path, roles, navigation). Pages load on first visit, so a cadre's
// phone downloads only the cadre's pages.

import { ADMINS, BRANCH_SECRETARY, CADRE, COUNTY, COUNTY_ADMIN, COUNTY_INSPECTOR, ROLES, TOWN_ADMIN, TOWN_LEADER } from './roles.js';

/** Groups of the left navigation, in order; labels are catalogue keys nav.group.<id>. */
export const NAV_GROUPS = ['field', 'county', 'town', 'programme', 'oversight', 'account'];

/**
 * A route: path (":name" for parameters), page (lazy module with `title` and `render(ctx)`),
 * roles (undefined = every logged-in role), public (no login), bare (no shell: login),
 * town (needs a town picked: county roles are asked to choose one first),
 * nav {group, label, tabLabel, icon} for the left navigation (tabLabel: a shorter label for
 * the phone's tab bar).
 */
export const ROUTES = [
  { path: '/login', page: () => import('./pages/login.js'), public: true, bare: true },
  {
    path: '/today',
    page: () => import('./pages/fieldwork/today.js'), // a cadre's stays and entries; others get pages/today.js
    roles: [CADRE, BRANCH_SECRETARY, TOWN_LEADER],
    nav: { group: 'field', label: 'nav.today', icon: 'today' },
  },
  {
    // 全县概览 is the comparison of the towns: one page, reached from both paths.
    path: '/overview',
    page: () => import('./pages/reporting/comparison.js'),
    roles: COUNTY,
    nav: { group: 'county', label: 'nav.overview', tabLabel: 'nav.tab.overview', icon: 'overview' },
  },
  {
    path: '/towns',
    page: () => import('./pages/towns.js'),
    roles: COUNTY,
    nav: { group: 'county', label: 'nav.towns', tabLabel: 'nav.tab.towns', icon: 'towns' },
  },
  {
    path: '/communities',
    page: () => import('./pages/communities.js'),
    roles: [COUNTY_ADMIN, COUNTY_INSPECTOR, TOWN_ADMIN, TOWN_LEADER],
    town: true,
    nav: { group: 'town', label: 'nav.communities', tabLabel: 'nav.tab.communities', icon: 'communities' },
  },
  {
    path: '/accounts',
    page: () => import('./pages/accounts.js'),
    roles: ADMINS,
    nav: { group: 'town', label: 'nav.accounts', tabLabel: 'nav.tab.accounts', icon: 'accounts' },
  },
  {
    path: '/settings',
    page: () => import('./pages/settings.js'),
    roles: [COUNTY_ADMIN, COUNTY_INSPECTOR, TOWN_ADMIN, TOWN_LEADER],
    town: true,
    nav: { group: 'programme', label: 'nav.settings', icon: 'settings' },
  },
  {
    path: '/calendar',
    page: () => import('./pages/calendar.js'),
    roles: [COUNTY_ADMIN, COUNTY_INSPECTOR, TOWN_ADMIN, TOWN_LEADER],
    nav: { group: 'programme', label: 'nav.calendar', tabLabel: 'nav.tab.calendar', icon: 'calendar' },
  },
  {
    path: '/opinions',
    page: () => import('./pages/petitions/opinions.js'),
    roles: ROLES,
    town: true,
    nav: { group: 'town', label: 'petitions.nav.opinions', tabLabel: 'petitions.nav.tab.opinions', icon: 'report' },
  },
  {
    path: '/cadres',
    page: () => import('./pages/personnel/cadres.js'),
    roles: [COUNTY_ADMIN, COUNTY_INSPECTOR, TOWN_ADMIN, TOWN_LEADER],
    town: true,
    nav: { group: 'town', label: 'personnel.nav.cadres', tabLabel: 'personnel.nav.tab.cadres', icon: 'me' },
  },
  {
    path: '/county-contact-lists',
    page: () => import('./pages/personnel/county.js'),
    roles: COUNTY,
    nav: { group: 'county', label: 'personnel.nav.county', icon: 'contacts' },
  },
  {
    path: '/contacts',
    page: () => import('./pages/personnel/contacts.js'),
    roles: [COUNTY_ADMIN, COUNTY_INSPECTOR, TOWN_ADMIN, TOWN_LEADER, CADRE],
    town: true,
    nav: { group: 'town', label: 'nav.contacts', icon: 'contacts' },
  },
  {
    path: '/inspections',
    page: () => import('./pages/assessment/inspections.js'),
    roles: ROLES,
    town: true,
    nav: { group: 'oversight', label: 'assessment.nav.inspections', tabLabel: 'assessment.nav.tab.inspections', icon: 'audit' },
  },
  {
    path: '/recalls',
    page: () => import('./pages/assessment/recalls.js'),
    roles: [COUNTY_ADMIN, COUNTY_INSPECTOR, TOWN_ADMIN, TOWN_LEADER, CADRE],
    town: true,
    nav: { group: 'oversight', label: 'assessment.nav.recalls', icon: 'audit' },
  },
  {
    path: '/assessment',
    page: () => import('./pages/assessment/yearend.js'),
    roles: [COUNTY_ADMIN, COUNTY_INSPECTOR, TOWN_ADMIN, TOWN_LEADER, CADRE],
    town: true,
    nav: { group: 'oversight', label: 'assessment.nav.yearend', tabLabel: 'assessment.nav.tab.yearend', icon: 'report' },
  },
  {
    path: '/assessment/comparison',
    page: () => import('./pages/assessment/comparison.js'),
    roles: COUNTY,
    nav: { group: 'oversight', label: 'assessment.nav.comparison', icon: 'overview' },
  },
  {
    path: '/demonstration-points',
    page: () => import('./pages/assessment/demonstration.js'),
    roles: [COUNTY_ADMIN, COUNTY_INSPECTOR, TOWN_ADMIN, TOWN_LEADER],
    town: true,
    nav: { group: 'oversight', label: 'assessment.nav.demonstration', icon: 'communities' },
  },
  {
    path: '/logs',
    page: () => import('./pages/fieldwork/logs.js'),
    roles: [TOWN_ADMIN, TOWN_LEADER, CADRE, BRANCH_SECRETARY],
    town: true,
    nav: { group: 'field', label: 'fieldwork.nav.logs', icon: 'log' },
  },
  {
    path: '/stationing',
    page: () => import('./pages/fieldwork/stationing.js'),
    roles: [COUNTY_ADMIN, COUNTY_INSPECTOR, TOWN_ADMIN, TOWN_LEADER],
    town: true,
    nav: { group: 'field', label: 'fieldwork.nav.stationing', icon: 'today' },
  },
  {
    path: '/activities',
    page: () => import('./pages/fieldwork/activities.js'),
    roles: [COUNTY_ADMIN, COUNTY_INSPECTOR, TOWN_ADMIN, TOWN_LEADER, CADRE, BRANCH_SECRETARY],
    town: true,
    nav: { group: 'field', label: 'fieldwork.nav.activities', icon: 'log' },
  },
  {
    path: '/research',
    page: () => import('./pages/fieldwork/research.js'),
    roles: [COUNTY_ADMIN, COUNTY_INSPECTOR, TOWN_ADMIN, TOWN_LEADER, CADRE],
    town: true,
    nav: { group: 'field', label: 'fieldwork.nav.research', icon: 'report' },
  },
  {
    path: '/attendance',
    page: () => import('./pages/fieldwork/attendance.js'),
    roles: [COUNTY_ADMIN, COUNTY_INSPECTOR, TOWN_ADMIN, TOWN_LEADER, BRANCH_SECRETARY],
    town: true,
    nav: { group: 'field', label: 'fieldwork.nav.attendance', tabLabel: 'fieldwork.nav.tab.attendance', icon: 'calendar' },
  },
  {
    path: '/comparison',
    page: () => import('./pages/reporting/comparison.js'),
    roles: COUNTY,
  },
  {
    path: '/reporting-maintenance',
    page: () => import('./pages/reporting/maintenance.js'),
    roles: [COUNTY_ADMIN],
    nav: { group: 'county', label: 'reporting.nav.maintenance', icon: 'audit' },
  },
  {
    path: '/town-month',
    page: () => import('./pages/reporting/town-month.js'),
    roles: [COUNTY_ADMIN, COUNTY_INSPECTOR, TOWN_ADMIN, TOWN_LEADER],
    town: true,
    nav: { group: 'town', label: 'reporting.nav.townMonth', icon: 'overview' },
  },
  {
    path: '/reports',
    page: () => import('./pages/reporting/reports.js'),
    roles: [COUNTY_ADMIN, COUNTY_INSPECTOR, TOWN_ADMIN, TOWN_LEADER, CADRE],
    town: true,
    nav: { group: 'town', label: 'reporting.nav.reports', tabLabel: 'reporting.nav.tab.reports', icon: 'report' },
  },
  {
    path: '/town-reports',
    page: () => import('./pages/reporting/town-reports.js'),
    roles: [COUNTY_ADMIN, COUNTY_INSPECTOR, TOWN_ADMIN, TOWN_LEADER],
    town: true,
    nav: { group: 'town', label: 'reporting.nav.townReports', icon: 'report' },
  },
  {
    path: '/due',
    page: () => import('./pages/reporting/due.js'),
    roles: [COUNTY_ADMIN, COUNTY_INSPECTOR, TOWN_ADMIN, TOWN_LEADER, CADRE],
    town: true,
    nav: { group: 'town', label: 'reporting.nav.due', icon: 'audit' },
  },
  {
    path: '/notifications',
    page: () => import('./pages/reporting/notifications.js'),
    roles: ROLES,
    town: true,
    nav: { group: 'account', label: 'reporting.nav.notifications', icon: 'today' },
  },
  {
    path: '/stories',
    page: () => import('./pages/reporting/stories.js'),
    roles: [COUNTY_ADMIN, COUNTY_INSPECTOR, TOWN_ADMIN, TOWN_LEADER],
    town: true,
    nav: { group: 'town', label: 'reporting.nav.stories', icon: 'log' },
  },
  {
    path: '/meetings',
    page: () => import('./pages/reporting/meetings.js'),
    roles: [COUNTY_ADMIN, COUNTY_INSPECTOR, TOWN_ADMIN, TOWN_LEADER, CADRE],
    town: true,
    nav: { group: 'town', label: 'reporting.nav.meetings', icon: 'calendar' },
  },
  {
    path: '/cases',
    page: () => import('./pages/petitions/cases.js'),
    roles: [COUNTY_ADMIN, COUNTY_INSPECTOR, TOWN_ADMIN, TOWN_LEADER],
    town: true,
    nav: { group: 'oversight', label: 'petitions.nav.cases', icon: 'audit' },
  },
  {
    path: '/petitions-overview',
    page: () => import('./pages/petitions/overview.js'), // county roles start county-wide, then pick a town
    roles: [COUNTY_ADMIN, COUNTY_INSPECTOR, TOWN_ADMIN, TOWN_LEADER],
    nav: { group: 'oversight', label: 'petitions.overview.nav', icon: 'overview' },
  },
  {
    path: '/audit',
    page: () => import('./pages/audit.js'),
    roles: ADMINS,
    nav: { group: 'oversight', label: 'nav.audit', tabLabel: 'nav.tab.audit', icon: 'audit' },
  },
  {
    path: '/me',
    page: () => import('./pages/me.js'),
    roles: ROLES,
    nav: { group: 'account', label: 'nav.me', icon: 'me' },
  },
];

/**
 * The phone's bottom tab bar per role (at most five). Paths without a page yet are left out,
 * so a tab appears the day its page is added to ROUTES.
 */
export const TABS = {
  [CADRE]: ['/today', '/logs', '/contacts', '/reports', '/me'],
  [BRANCH_SECRETARY]: ['/today', '/attendance', '/logs', '/me'],
  [TOWN_LEADER]: ['/today', '/communities', '/calendar', '/me'],
  [TOWN_ADMIN]: ['/communities', '/accounts', '/settings', '/audit', '/me'],
  [COUNTY_ADMIN]: ['/overview', '/towns', '/accounts', '/calendar', '/me'],
  [COUNTY_INSPECTOR]: ['/overview', '/towns', '/calendar', '/me'],
};

/** Labels and icons of tabs whose page is not in ROUTES yet (they show once it is). */
export const PLANNED_TABS = {
  '/logs': { label: 'nav.logs', icon: 'log' },
  '/contacts': { label: 'nav.contacts', icon: 'contacts' },
  '/reports': { label: 'nav.reports', icon: 'report' },
};

/** Where each role lands after logging in. */
export const HOME = {
  [COUNTY_ADMIN]: '/overview',
  [COUNTY_INSPECTOR]: '/overview',
  [TOWN_ADMIN]: '/communities',
  [TOWN_LEADER]: '/today',
  [CADRE]: '/today',
  [BRANCH_SECRETARY]: '/today',
};
