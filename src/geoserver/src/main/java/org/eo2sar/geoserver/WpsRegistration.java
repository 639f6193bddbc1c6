package org.eo2sar.geoserver;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.GenericBeanDefinition;
import org.springframework.util.ClassUtils;

/**
 * Declares GeoServer's {@code SpringBeanProcessFactory} for the {@code eo2sar} namespace only when
 * the WPS extension is installed. Declared directly in XML, a missing WPS extension would make the
 * whole GeoServer context fail to start (class not found); here it is a logged warning and no
 * eo2sar process is published.
 */
public final class WpsRegistration implements BeanDefinitionRegistryPostProcessor {
    static final String FACTORY_CLASS = "org.geoserver.wps.jts.SpringBeanProcessFactory";
    static final String BEAN = "eo2sarProcessFactory";
    private static final System.Logger LOG = System.getLogger(WpsRegistration.class.getName());

    private final String factoryClass;

    public WpsRegistration() {
        this(FACTORY_CLASS);
    }

    WpsRegistration(String factoryClass) {
        this.factoryClass = factoryClass;
    }

    @Override
    public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
        if (!ClassUtils.isPresent(factoryClass, WpsRegistration.class.getClassLoader())) {
            LOG.log(System.Logger.Level.WARNING, "eo2sar: GeoServer's WPS extension is not installed (no "
                    + factoryClass + "), so eo2sar:Translate and eo2sar:Models are not published; install the "
                    + "WPS extension of your GeoServer version");
            return;
        }
        GenericBeanDefinition factory = new GenericBeanDefinition();
        factory.setBeanClassName(factoryClass);
        factory.getConstructorArgumentValues().addIndexedArgumentValue(0, "EO to SAR translation");
        factory.getConstructorArgumentValues().addIndexedArgumentValue(1, "eo2sar");
        factory.getConstructorArgumentValues().addIndexedArgumentValue(2, Eo2SarProcess.class);
        registry.registerBeanDefinition(BEAN, factory);
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
    }
}
