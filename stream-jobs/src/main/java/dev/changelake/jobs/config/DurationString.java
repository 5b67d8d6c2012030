package dev.changelake.jobs.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A string option holding a duration in Flink's syntax ({@code 30s}, {@code 2min}, {@code 500ms}), for
 * {@link ConfigDocs}; {@link PipelineConfigLoader} parses it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface DurationString {}
