package org.geotools.process.factory;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Stand-in: GeoTools 34.x {@code org.geotools.process.factory.DescribeParameter} (all members). */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface DescribeParameter {
    String DEFAULT_NULL = "THIS IS THE NULL VALUE FOR THE DEFAULT ATTRIBUTE";

    String name();

    String description() default "[undescribed]";

    @SuppressWarnings("rawtypes")
    Class collectionType() default Object.class;

    int min() default -1;

    int max() default -1;

    String defaultValue() default DEFAULT_NULL;

    double minValue() default Double.NEGATIVE_INFINITY;

    double maxValue() default Double.POSITIVE_INFINITY;

    String[] meta() default {};
}
