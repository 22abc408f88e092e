#ifndef TELEMETRY_CMICROHTTPD_SHIM_H
#define TELEMETRY_CMICROHTTPD_SHIM_H

#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <microhttpd.h>

/* MHD_SIZE_UNKNOWN is a macro Swift does not import. */
static const uint64_t telemetry_mhd_size_unknown = MHD_SIZE_UNKNOWN;

/* MHD_start_daemon is variadic; pass every option through MHD_OPTION_ARRAY. */
static inline struct MHD_Daemon *
telemetry_mhd_start(unsigned int flags, uint16_t port,
                    MHD_AccessHandlerCallback handler, void *handler_cls,
                    struct MHD_OptionItem *options)
{
    return MHD_start_daemon(flags, port, NULL, NULL, handler, handler_cls,
                            MHD_OPTION_ARRAY, options, MHD_OPTION_END);
}

/* MHD_get_daemon_info is variadic; the listening socket tells the bound port. */
static inline int
telemetry_mhd_listen_fd(struct MHD_Daemon *daemon)
{
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_LISTEN_FD);
    return info == NULL ? -1 : (int)info->listen_fd;
}

/* MHD_get_connection_info is variadic; the socket lets the server enforce a header deadline. */
static inline int
telemetry_mhd_connection_fd(struct MHD_Connection *connection)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    return info == NULL ? -1 : (int)info->connect_fd;
}

/* A response holding its own copy of `buffer`. */
static inline struct MHD_Response *
telemetry_mhd_response_copy(size_t size, const void *buffer)
{
    return MHD_create_response_from_buffer(size, (void *)buffer, MHD_RESPMEM_MUST_COPY);
}

/* The content reader's end markers are macros Swift does not import. */
static const ssize_t telemetry_mhd_reader_end_of_stream = MHD_CONTENT_READER_END_OF_STREAM;
static const ssize_t telemetry_mhd_reader_end_with_error = MHD_CONTENT_READER_END_WITH_ERROR;

#endif
