package io.fjord.broker;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/** A plain blocking socket to the broker for tests: writes size-prefixed frames, reads them back. */
public final class RawConnection implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    public RawConnection(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Sends {@code payload} behind a 4-byte size prefix. */
    public void sendFrame(ByteBuffer payload) throws IOException {
        ByteBuffer framed = ByteBuffer.allocate(4 + payload.remaining());
        framed.putInt(payload.remaining()).put(payload.duplicate()).flip();
        sendRaw(framed);
    }

    public void sendRaw(ByteBuffer bytes) throws IOException {
        byte[] array = new byte[bytes.remaining()];
        bytes.duplicate().get(array);
        out.write(array);
        out.flush();
    }

    /** The next response frame without its size prefix. */
    public ByteBuffer receiveFrame() throws IOException {
        int size = in.readInt();
        byte[] body = new byte[size];
        in.readFully(body);
        return ByteBuffer.wrap(body);
    }

    /** Whether the broker closed this connection within the socket timeout (reads end of stream or reset). */
    public boolean closedByBroker() throws IOException {
        try {
            while (in.read() != -1) {
                // drain anything the broker still sent
            }
            return true;
        } catch (EOFException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return e.getMessage() != null && e.getMessage().contains("reset");
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
