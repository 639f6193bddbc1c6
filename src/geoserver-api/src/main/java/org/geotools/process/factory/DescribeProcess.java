package org.geotools.process.factory;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Stand-in: GeoTools 34.x {@code org.geotools.process.factory.DescribeProcess} (all members). */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface DescribeProcess {
    String title();

    String description() default "[undescribed]";

    String version() default "1.0.0";
}
