package dev.changelake.jobs.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A string option that accepts only some values, for {@link ConfigDocs} (binding still reads a plain string;
 * {@link PipelineConfigLoader} checks it). Name the values, or the enum they are parsed into, which then cannot drift:
 * {@code @OneOf({"refuse", "append"})}, {@code @OneOf(enumType = Encoding.class)}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface OneOf {
    /** The accepted values, as written in the file. */
    String[] value() default {};

    /** An enum whose constants, lower-cased, are the accepted values (as the loader parses them). */
    Class<? extends Enum<?>> enumType() default None.class;

    /** The default of {@link #enumType()}: no enum. */
    enum None {}
}
