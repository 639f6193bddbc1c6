package org.geoserver.wps.jts;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.LinkedHashSet;
import org.geotools.api.feature.type.Name;
import org.geotools.factory.CommonFactoryFinder;
import org.geotools.feature.NameImpl;
import org.geotools.filter.FunctionFactory;
import org.geotools.process.Processors;
import org.geotools.process.factory.AnnotationDrivenProcessFactory;
import org.geotools.process.factory.DescribeProcess;
import org.geotools.process.factory.DescribeResult;
import org.geotools.process.function.ProcessFunctionFactory;
import org.geotools.util.SimpleInternationalString;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.ContextRefreshedEvent;

/**
 * Stand-in: GeoServer's {@code org.geoserver.wps.jts.SpringBeanProcessFactory} (gs-wps-core 2.27-2.29),
 * written from its published behaviour, not copied: a real GeoTools {@link AnnotationDrivenProcessFactory}
 * that publishes every Spring bean implementing {@code markerInterface} as {@code namespace:Name}
 * (class name without the {@code Process} suffix), invokes its annotated {@code execute}, and registers
 * itself with GeoTools' {@link Processors} while the context is up (so SLD rendering transformations
 * find the processes through {@link ProcessFunctionFactory}).
 */
public class SpringBeanProcessFactory extends AnnotationDrivenProcessFactory
        implements ApplicationContextAware, ApplicationListener<ApplicationEvent> {
    private final Class<?> markerInterface;
    private final Map<String, Class<?>> classes = new TreeMap<>();
    private final Map<String, String> beans = new TreeMap<>();
    private ApplicationContext context;

    public SpringBeanProcessFactory(String title, String namespace, Class<?> markerInterface) {
        super(new SimpleInternationalString(title), namespace);
        this.markerInterface = markerInterface;
    }

    @Override
    public void setApplicationContext(ApplicationContext applicationContext) {
        this.context = applicationContext;
        for (String bean : applicationContext.getBeanNamesForType(markerInterface, true, true)) {
            Class<?> type = applicationContext.getType(bean);
            if (type != null) {
                String name = type.getSimpleName().replaceFirst("Process$", "");
                classes.put(name, type);
                beans.put(name, bean);
            }
        }
    }

    @Override
    public void onApplicationEvent(ApplicationEvent event) {
        if (event instanceof ContextRefreshedEvent) {
            Processors.addProcessFactory(this);
        } else if (event instanceof ContextClosedEvent) {
            Processors.removeProcessFactory(this);
        } else {
            return;
        }
        for (FunctionFactory f : CommonFactoryFinder.getFunctionFactories(null)) {
            if (f instanceof ProcessFunctionFactory pff) {
                pff.clear(); // forget cached process names
            }
        }
    }

    @Override
    public Set<Name> getNames() {
        Set<Name> names = new LinkedHashSet<>();
        classes.keySet().forEach(n -> names.add(new NameImpl(namespace, n)));
        return names;
    }

    @Override
    protected DescribeProcess getProcessDescription(Name name) {
        Class<?> c = classes.get(name.getLocalPart());
        return c == null ? null : c.getAnnotation(DescribeProcess.class);
    }

    @Override
    protected Method method(String localPart) {
        Class<?> c = classes.get(localPart);
        if (c != null) {
            for (Method m : c.getMethods()) {
                if (m.getName().equals("execute") && m.getAnnotation(DescribeResult.class) != null) {
                    return m;
                }
            }
        }
        return null;
    }

    @Override
    protected Object createProcessBean(Name name) {
        String bean = beans.get(name.getLocalPart());
        return bean == null ? null : context.getBean(bean);
    }
}
