package org.geotools.process.factory;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Stand-in: GeoTools 34.x {@code org.geotools.process.factory.DescribeResult} (all members). */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface DescribeResult {
    String name() default "result";

    Class<?> type() default Object.class;

    String description() default "[undescribed]";

    boolean primary() default false;

    String[] meta() default {};
}
