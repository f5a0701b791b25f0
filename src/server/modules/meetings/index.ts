import { addFileReadRule } from '../files/index.ts';
import { mayReadMeetingFile } from './attached-files.ts';
import { registerKitSource, registerNoticeSource } from '../notify/index.ts';
import { makeupNoticeSource, meetingChangeNoticeSource, meetingKitSource, meetingNoticeSource } from './notice-source.ts';

/** Meetings (三会一课, online classes): planning, attendance and check-in, closing, make-ups (补学). */
export { closeDueMeetings } from './closing.ts';
export { listMyMakeups } from './makeups.ts';
export { listMyMeetings } from './participation.ts';
export { meetingsJobs } from './scheduled.ts';
export { registerMeetingsRoutes } from './routes.ts';
export { makeupNoticeSource, meetingChangeNoticeSource, meetingNoticeSource } from './notice-source.ts';

addFileReadRule('meeting', mayReadMeetingFile);
registerKitSource('meeting', meetingKitSource);
// whether a member has seen a class's notice ('meeting.planned', 'meeting.starting' fall back to 'meeting')
registerNoticeSource('meeting', meetingNoticeSource);
registerNoticeSource('meeting.changed', meetingChangeNoticeSource);
registerNoticeSource('makeup.due', makeupNoticeSource);
