// Package deploycheck holds the offline checks of everything that deploys Dundian: the
// Dockerfiles, docker-compose.yml, the Helm chart in charts/dundian and the Grafana
// dashboards. Nothing here needs a Docker engine or a cluster; the tests run in `make test`
// so a broken image, compose file, chart or dashboard fails on a developer's machine, not at
// the county.
//
// The non-test files read the repository's own sources of truth: the processes and their
// ports ([Processes]), the environment variables each process reads, from the configuration
// tables in README.md ([ReadEnvTables]), and the metric names the processes emit, from
// libs/telemetry/doc.go ([ReadMetricNames]).
package deploycheck
