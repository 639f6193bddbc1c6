package org.eo2sar.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import org.eo2sar.app.TestPaths;
import org.eo2sar.core.model.DeviceSpec;
import org.eo2sar.core.model.ModelCard;
import org.eo2sar.core.model.OnnxGenerator;
import org.junit.jupiter.api.Test;

/** Request numbers beyond int and late progress after a failure (issue 11, items 5 and 7). */
class BoundedRequestTest {
    @Test
    void bandBeyondIntIsRefusedNotWrappedToBandOne() throws Exception {
        ModelCard card;
        try (OnnxGenerator g = OnnxGenerator.open(TestPaths.model("tiny-tileinvariant.onnx"), DeviceSpec.CPU)) {
            card = g.card();
        }
        var body = Json.MAPPER.readTree("{\"inputs\": {\"input\": {\"href\": \"a.tif\"}, \"bands\": [1099511627777, 2, 3]}}");
        ApiException e = assertThrows(ApiException.class, () -> ExecuteRequest.parse(body, card));
        assertEquals(400, e.status());
        assertTrue(e.detail().contains("bands"), e.detail());
    }

    @Test
    void lateProgressDoesNotOverwriteAFailureMessage() {
        Job job = new Job("j", "p", Path.of("unused"), Instant.EPOCH);
        var progress = job.progress(ServerHooks.NONE);
        job.status = Job.Status.RUNNING;
        progress.update(3, 9);
        assertEquals("translated 3 of 9 tiles", job.message());
        job.status = Job.Status.FAILED;
        job.message = "in.tif: pixel data cannot be decoded (tile 1,1): bad LZW code";
        progress.update(4, 9);
        assertEquals("in.tif: pixel data cannot be decoded (tile 1,1): bad LZW code", job.message());
    }
}
