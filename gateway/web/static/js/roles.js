// The roles of DOMAIN.md as the API names them (libs/auth), and the groups pages are open to.
// The server enforces every rule again; these only shape the navigation.

export const COUNTY_ADMIN = 'county_admin';
export const COUNTY_INSPECTOR = 'county_inspector';
export const TOWN_ADMIN = 'town_admin';
export const TOWN_LEADER = 'town_leader';
export const CADRE = 'cadre';
export const BRANCH_SECRETARY = 'branch_secretary';

/** Every role, in the order the console lists them. */
export const ROLES = [COUNTY_ADMIN, COUNTY_INSPECTOR, TOWN_ADMIN, TOWN_LEADER, CADRE, BRANCH_SECRETARY];

/** Roles that see every town and pick one with the town switcher. */
export const COUNTY = [COUNTY_ADMIN, COUNTY_INSPECTOR];
/** Roles that administer (county-wide or one town). */
export const ADMINS = [COUNTY_ADMIN, TOWN_ADMIN];
/** Roles that work in the field and use the console mostly on a phone. */
export const FIELD = [CADRE, BRANCH_SECRETARY];

export const isCounty = (role) => COUNTY.includes(role);

/** Roles an account of `role` may create: a town office creates its own town's accounts. */
export function creatableRoles(role) {
  if (role === COUNTY_ADMIN) return ROLES;
  if (role === TOWN_ADMIN) return [TOWN_ADMIN, TOWN_LEADER, CADRE, BRANCH_SECRETARY];
  return [];
}
