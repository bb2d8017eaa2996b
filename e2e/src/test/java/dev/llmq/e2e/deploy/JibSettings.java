package dev.llmq.e2e.deploy;

import dev.llmq.shared.testing.ServiceProcess;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;

/**
 * The image settings of the root POM's Jib configuration, which docker-compose.yml and the Kubernetes manifests must
 * agree with: the image repository of each module and the user the images run as.
 */
record JibSettings(String imagePattern, String user) {

    static JibSettings read() {
        try {
            Path pom = ServiceProcess.repositoryRoot().resolve("pom.xml");
            Document document =
                    DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
            XPath xpath = XPathFactory.newInstance().newXPath();
            String plugin =
                    "/project/build/pluginManagement/plugins/plugin[artifactId='jib-maven-plugin']/configuration";
            String image = xpath.evaluate(plugin + "/to/image", document).strip();
            String user = xpath.evaluate(plugin + "/container/user", document).strip();
            if (image.isEmpty() || user.isEmpty()) {
                throw new IllegalStateException("the root pom's jib-maven-plugin has no to/image or container/user");
            }
            return new JibSettings(image, user);
        } catch (Exception ex) {
            throw new IllegalStateException("cannot read the Jib settings of the root pom", ex);
        }
    }

    /** The image repository Jib pushes {@code module} to by default, e.g. {@code llmq/api-service}. */
    String repository(String module) {
        return imagePattern.replace("${project.artifactId}", module);
    }

    long uid() {
        return Long.parseLong(user.split(":")[0]);
    }
}
