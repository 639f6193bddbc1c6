package org.eo2sar.app;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest (set at package time), or "dev" when run from classes. */
public final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"eo2sar " + (v == null ? "dev" : v),
            "Java ${java.version} (${java.vendor}), ${os.name} ${os.arch}"};
    }
}
