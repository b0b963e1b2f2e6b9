// Package telemetry gives every Dundian process its traces, metrics and logs, configured only
// by the standard OTEL_* variables (see [Setup]) and LOG_LEVEL (see [Logger]).
//
// In main:
//
//	tel, err := telemetry.Setup(ctx, "petitions", version)
//	defer tel.Shutdown(context.WithoutCancel(ctx))
//	log := telemetry.Logger("petitions")
//	app.Use(telemetry.HTTPMiddleware("petitions")) // first, before every other middleware
//	app.Get("/metrics", tel.MetricsFiber())
//	client := options.Client().ApplyURI(uri).SetMonitor(telemetry.MongoMonitor())
//	httpClient := &http.Client{Transport: telemetry.HTTPTransport(nil)}
//
// Kafka producers start a span with [StartProducerSpan] and put [InjectKafka]'s headers on the
// message; consumers start theirs with [StartConsumerSpan], whose parent is the producer's.
//
// # Metric names
//
// Instruments are named per the OpenTelemetry semantic conventions where one exists, and our
// own as dundian.<area>.<thing> (dots between words of the hierarchy, underscores inside a
// word), with the unit in metric.WithUnit, never in the name. Labels are low-cardinality:
// town, topic, group, event type, route; never a person, document id or phone number.
//
// /metrics (Prometheus text) translates each name: dots become underscores, the unit is
// appended (s → _seconds, By → _bytes; units in braces such as {request} add nothing),
// counters gain _total, and histograms appear as _bucket, _sum and _count. Every series also
// has otel_scope_name, otel_scope_version and otel_scope_schema_url labels, and the resource
// is in target_info (service_name, service_version, ...). The names below are the ones this
// package's tests scrape; dashboards query exactly these.
//
// Recorded by this package:
//
//	http.server.request.duration   histogram, s  http_server_request_duration_seconds_bucket
//	    labels http_request_method, http_route ("/api/v1/towns/:town/x"),
//	    http_response_status_code, url_scheme, network_protocol_version,
//	    error_type (5xx only), dundian_town (routes with a :town parameter)
//	http.server.active_requests    up-down        http_server_active_requests
//	http.client.request.duration   histogram, s  http_client_request_duration_seconds_bucket
//	db.client.operation.duration   histogram, s  db_client_operation_duration_seconds_bucket
//	    labels db_system_name, db_namespace (town_<code>), db_collection_name,
//	    db_operation_name, server_address, server_port, error_type (failures only)
//	go.goroutine.count, go.memory.used, go.memory.gc.goal, go.memory.allocated,
//	go.memory.allocations, go.processor.limit, go.config.gogc, go.schedule.duration
//	                                              go_goroutine_count, go_memory_used_bytes,
//	                                              go_memory_gc_goal_bytes,
//	                                              go_memory_allocated_bytes_total,
//	                                              go_memory_allocations_total,
//	                                              go_processor_limit, go_config_gogc_percent,
//	                                              go_schedule_duration_seconds_bucket
//
// Recorded by the outbox and bus packages (listed here so the names stay in one place):
//
//	dundian.outbox.pending             gauge           dundian_outbox_pending
//	dundian.outbox.oldest_pending_age  gauge, s        dundian_outbox_oldest_pending_age_seconds
//	dundian.events.published           counter         dundian_events_published_total
//	dundian.consumer.lag               gauge per group dundian_consumer_lag
//	dundian.consumer.applied           counter         dundian_consumer_applied_total
//	dundian.consumer.dlq               counter         dundian_consumer_dlq_total
//	dundian.consumer.retries           counter         dundian_consumer_retries_total
//	dundian.consumer.event_age         histogram, s    dundian_consumer_event_age_seconds_bucket
//	    now − the event's occurredAt when a group applies it, per group
//
// Measured in the background (a scrape never queries a store), label dundian_town. By the
// gateway every GATEWAY_STORAGE_METRICS_INTERVAL:
//
//	dundian.storage.database_size  gauge, By  dundian_storage_database_size_bytes
//	dundian.storage.objects        gauge      dundian_storage_objects
//	dundian.storage.objects_size   gauge, By  dundian_storage_objects_size_bytes
//
// By reporting every REPORTING_METRICS_INTERVAL:
//
//	dundian.business.stays, dundian.business.work_logs (this Beijing month),
//	dundian.business.monthly_reports (last month's, label timeliness on_time | late),
//	dundian.business.open_petition_cases
//	                               gauges     dundian_business_stays, _work_logs,
//	                                          _monthly_reports, _open_petition_cases
//
// Span and metric attributes of our own are named dundian.<thing> too; so far
// dundian.town ([TownAttribute]).
package telemetry
