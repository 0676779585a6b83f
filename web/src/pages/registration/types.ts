/** The registration API's shapes, taken from the server (type-only imports vanish from the bundle). */
export type {
  RegistrationAttendeeView as Attendee,
  RegistrationBigQueryLoad as BigQueryLoad,
  RegistrationBigQueryTarget as BigQueryTarget,
  RegistrationEventDetail as RegEventDetail,
  RegistrationEventView as RegEvent,
  RegistrationExportColumns as ExportColumns,
  RegistrationSales as SalesTable,
} from '../../../../src/modules/registration/index.ts';
